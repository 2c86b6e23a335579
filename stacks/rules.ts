import { ENVIRONMENT_NAME_RULE, ENVIRONMENT_RULES, FOLDER_RULES, type Rule } from './environment/rules';
import { KNOWN_WAIVERS_RULE, POLICY_RULES, type PolicyRule } from './policy/rules';

/**
 * Every rule of the product, for the docs' rule table (`npm run schema`): the file name, the environment rules, the
 * policy's waiver rule, the folder rules and the policy rules, in that order. Each lives in its own room; this is only
 * the list.
 */
export const RULES: readonly (Rule | PolicyRule | typeof ENVIRONMENT_NAME_RULE)[] = [
  ENVIRONMENT_NAME_RULE,
  ...ENVIRONMENT_RULES,
  KNOWN_WAIVERS_RULE,
  ...FOLDER_RULES,
  ...POLICY_RULES,
];
