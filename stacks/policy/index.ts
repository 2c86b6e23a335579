export { PolicyAspect, enforcePolicy, formatViolation, formatWaiver } from './aspect';
export type { PolicyFinding, PolicyReport } from './aspect';
export { KNOWN_WAIVERS_RULE, POLICY_RULES } from './rules';
export type { PolicyResource, PolicyRule } from './rules';
