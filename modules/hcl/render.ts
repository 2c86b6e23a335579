/**
 * Terraform JSON -> Terraform native syntax (HCL), for the modules HCL teams adopt. cdktf's own HCL output
 * (`TerraformStack.toHclTerraform`) fails on a variable whose default is null and guesses at values it has no type for,
 * so this renderer takes the module's Terraform JSON, which the tests already prove, and decides block versus
 * attribute from the provider bindings' metadata (`isBlock`, generated from each provider's schema). The result is
 * formatted by `@cdktf/hcl-tools` (hclwrite, what `terraform fmt` runs), and a test parses it back with
 * `@cdktf/hcl2json` and compares it with the JSON.
 */

/** Terraform JSON is open-ended. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Where a value sits: `resource.google_container_cluster.cluster.node_config.shielded_instance_config`. */
type HclPath = string;

export interface HclRenderContext {
  /**
   * True when the key at this path is a nested block (from the provider schema), false for an attribute, undefined when
   * the schema says nothing (then an object or a list of objects is refused rather than guessed).
   */
  readonly isBlock: (path: HclPath) => boolean | undefined;
  /** Comment lines (without `#`) to print above the block or attribute at this path. */
  readonly comment?: (path: HclPath) => readonly string[] | undefined;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Index just past the `}` closing the interpolation or directive whose `{` is at `open`. */
function closingBrace(text: string, open: number): number {
  const close = matching(text, open);
  if (close < 0) throw new Error(`unbalanced expression in ${JSON.stringify(text)}`);
  return close + 1;
}

/** Index of the `"` closing the quoted template that opens at `open`, nested interpolations included. */
function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if ((c === '$' || c === '%') && text[i + 1] === '{' && text[i - 1] !== c) i = closingBrace(text, i + 1) - 1;
  }
  throw new Error(`unterminated string in ${JSON.stringify(text)}`);
}

/** A JSON-syntax string (a template) as an HCL expression: a lone `${expr}` becomes `expr`, anything else a quoted template. */
function stringExpression(value: string, indent = '', column = indent.length): string {
  if (value.startsWith('${') && closingBrace(value, 1) === value.length) return layout(value.slice(2, -1).trim(), indent, column);
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if ((c === '$' || c === '%') && value[i + 1] === '{') {
      if (value[i - 1] === c) {
        // `$${` / `%%{`: an escaped sequence, the same in both syntaxes (the first `$` or `%` is already out).
        out += `${c}{`;
        i++;
        continue;
      }
      const end = closingBrace(value, i + 1);
      // An interpolation that would carry the line past WIDTH is laid out inside its `${…}`, where HCL (and
      // `terraform fmt`) takes newlines: a long message then reads clause by clause instead of on one line.
      const at = column + 1 + out.length - (out.lastIndexOf('\n') + 1) + (out.includes('\n') ? indent.length - column - 1 : 0);
      const inner = value.slice(i + 2, end - 1);
      out += c === '$' && at + end - i > WIDTH ? `\${${layout(inner.trim(), indent, at + 2)}}` : value.slice(i, end);
      i = end - 1;
      continue;
    }
    out += c === '\\' ? '\\\\' : c === '"' ? '\\"' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : c;
  }
  return `"${out}"`;
}

const key = (name: string) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

/** Lines of HCL longer than this are broken inside their brackets, where HCL lets an expression span lines. */
const WIDTH = 120;
const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Index of the bracket closing the one at `open` (strings, and their interpolations, skipped), or -1. */
export function matching(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = closingQuote(text, i);
    else if (c in OPEN) depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** `text` split at each top-level occurrence of `separator` (outside brackets and strings). */
function splitTop(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = closingQuote(text, i);
    else if (c in OPEN) depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
    }
  }
  return [...parts, text.slice(start)].map((p) => p.trim());
}

/**
 * A bare expression laid out for reading: when its line would pass WIDTH, a function call puts each argument on its
 * own line, a list or for-expression its items or clauses, and a chain of `&&` or `||` inside brackets one operand per
 * line. Newlines are only ever added inside brackets, where HCL ignores them; `terraform fmt` keeps the layout.
 */
function layout(text: string, indent: string, column = indent.length): string {
  if (column + text.length <= WIDTH) return text;
  const inner = `${indent}  `;
  const call = /^[A-Za-z_][A-Za-z0-9_]*\(/.exec(text);
  if (call && matching(text, call[0].length - 1) === text.length - 1) {
    const args = splitTop(text.slice(call[0].length, -1), ',');
    // One argument that is itself a list or object hugs the call: `length([` … `])`.
    if (args.length === 1 && /^[[{]/.test(args[0]) && matching(args[0], 0) === args[0].length - 1) return `${call[0]}${layout(args[0], indent, column + call[0].length)})`;
    // A call of a call (a type: `list(object({ … }))`) hugs it too.
    const nested = args.length === 1 ? /^[A-Za-z_][A-Za-z0-9_]*\(/.exec(args[0]) : null;
    if (nested && matching(args[0], nested[0].length - 1) === args[0].length - 1) return `${call[0]}${layout(args[0], indent, column + call[0].length)})`;
    return `${call[0]}\n${args.map((a) => `${inner}${operands(a, inner)}`).join(',\n')}\n${indent})`;
  }
  if ((text.startsWith('[') || text.startsWith('{')) && matching(text, 0) === text.length - 1) {
    const body = text.slice(1, -1).trim();
    const [open, close] = [text[0], text[text.length - 1]];
    if (body.startsWith('for ')) {
      const colon = splitTop(body, ' : ');
      const head = colon[0];
      const rest = colon.slice(1).join(' : ');
      const filter = splitTop(rest, ' if ');
      const lines = [`${inner}${head} :`, `${inner}${operands(filter[0], inner)}`, ...(filter.length > 1 ? [`${inner}if ${operands(filter.slice(1).join(' if '), inner, inner.length + 3)}`] : [])];
      return `${open}\n${lines.join('\n')}\n${indent}${close}`;
    }
    if (open === '[') {
      const items = splitTop(body, ',').filter((item) => item !== '');
      return `[\n${items.map((item) => `${inner}${layout(item, inner)}`).join(',\n')}\n${indent}]`;
    }
    // An object of `key = value` items (a type's attributes): one per line, keys padded as `terraform fmt` aligns them.
    const pairs = splitTop(body, ',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => splitTop(item, ' = '));
    if (pairs.every((p) => p.length >= 2 && IDENTIFIER.test(p[0].trim()))) {
      const width = Math.max(...pairs.map((p) => p[0].trim().length));
      const lines = pairs.map((p) => `${inner}${p[0].trim().padEnd(width)} = ${layout(p.slice(1).join(' = ').trim(), inner, inner.length + width + 3)}`);
      return `{\n${lines.join(',\n')}\n${indent}}`;
    }
  }
  // An operator expression (`length([…]) == 0`, `!anytrue(…)`): its longest bracket group is laid out in place.
  let best: { start: number; end: number } | undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = closingQuote(text, i);
    else if (c in OPEN) {
      if (depth === 0) {
        const name = /[A-Za-z_][A-Za-z0-9_]*$/.exec(text.slice(0, i))?.[0] ?? '';
        const end = matching(text, i);
        if (end > 0 && (!best || end - i > best.end - best.start)) best = { start: i - name.length, end };
      }
      depth++;
    } else if (c === ')' || c === ']' || c === '}') depth--;
  }
  if (!best || (best.start === 0 && best.end === text.length - 1)) return text;
  const before = text.slice(0, best.start);
  return `${before}${layout(text.slice(best.start, best.end + 1), indent, column + before.length)}${text.slice(best.end + 1)}`;
}

/**
 * Inside brackets, by precedence: a conditional as `condition` / `? then` / `: else`, a chain of `||` or `&&` one
 * operand per line, a comparison with its right operand on the next line; each part laid out in turn.
 */
function operands(text: string, indent: string, column = indent.length): string {
  if (column + text.length <= WIDTH) return text;
  const next = (op: string) => indent.length + op.length + 1;
  const question = splitTop(text, ' ? ');
  if (question.length > 1) {
    const rest = question.slice(1).join(' ? ');
    const branches = splitTop(rest, ' : ');
    if (branches.length > 1) {
      const otherwise = branches.slice(1).join(' : ');
      return `${operands(question[0], indent, column)}\n${indent}? ${operands(branches[0], indent, next('?'))}\n${indent}: ${operands(otherwise, indent, next(':'))}`;
    }
  }
  for (const op of ['||', '&&']) {
    const parts = splitTop(text, ` ${op} `);
    if (parts.length > 1) return parts.map((part, i) => (i === 0 ? operands(part, indent, column) : `${indent}${op} ${operands(part, indent, next(op))}`)).join('\n');
  }
  for (const op of ['<=', '>=', '==', '!=', '<', '>', '+']) {
    const parts = splitTop(text, ` ${op} `);
    if (parts.length === 2) return `${layout(parts[0], indent, column)}\n${indent}${op} ${layout(parts[1], indent, next(op))}`;
  }
  return layout(text, indent, column);
}

function isScalar(value: Json): boolean {
  return value === null || typeof value !== 'object';
}

/** Any JSON value as an HCL expression; objects and lists of objects span several lines. */
export function expression(value: Json, indent: string, ctx?: HclRenderContext, path?: HclPath, column = indent.length): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return stringExpression(value, indent, column);
  if (typeof value !== 'object') return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => expression(v, inner, ctx, path));
    if (value.every(isScalar) && items.join(', ').length + indent.length < 100) return `[${items.join(', ')}]`;
    return `[\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([k]) => k !== '//');
  if (entries.length === 0) return '{}';
  const lines = entries.flatMap(([k, v]) => [
    ...commentLines(ctx, path === undefined ? undefined : `${path}.${k}`, inner),
    `${inner}${key(k)} = ${expression(v, inner, ctx, path === undefined ? undefined : `${path}.${k}`)}`,
  ]);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function commentLines(ctx: HclRenderContext | undefined, path: HclPath | undefined, indent: string): string[] {
  if (!ctx?.comment || path === undefined) return [];
  return (ctx.comment(path) ?? []).map((line) => `${indent}#${line ? ` ${line}` : ''}`);
}

/** `depends_on`, `ignore_changes`, `provider`: references, bare in HCL, strings (or `${…}`) in JSON. */
const reference = (value: string) => (value.startsWith('${') && value.endsWith('}') ? value.slice(2, -1) : value);
const referenceList = (values: readonly string[], indent: string) => {
  const line = `[${values.map(reference).join(', ')}]`;
  return line.length + indent.length < 100 ? line : `[\n${values.map((v) => `${indent}  ${reference(v)},`).join('\n')}\n${indent}]`;
};

/**
 * Block or attribute: what the schema says; with no word from it, an object (or list of objects) inside a dynamic
 * block's `content` is a nested block (the schema metadata only covers blocks a construct set directly), and
 * anywhere else it is refused rather than guessed.
 */
export function isBlockAt(path: HclPath, value: Json, inContent: boolean, ctx: Pick<HclRenderContext, 'isBlock'>, onGuess?: (path: HclPath) => void): boolean {
  const known = ctx.isBlock(path);
  if (known !== undefined) return known;
  const structured = value !== null && typeof value === 'object' && (!Array.isArray(value) || value.some((e) => e !== null && typeof e === 'object'));
  if (!structured) return false;
  if (inContent) {
    onGuess?.(path);
    return true;
  }
  throw new Error(`${path}: the provider schema does not say whether this is a block or an attribute`);
}

/**
 * Terraform's style guide order: meta-arguments first (`count`, `for_each`, `provider`), then arguments, then nested
 * blocks, then `depends_on` and `lifecycle`.
 */
function rank(k: string, path: HclPath, ctx: HclRenderContext): number {
  if (k === 'count' || k === 'for_each' || k === 'provider' || k === 'condition') return 0;
  if (k === 'depends_on') return 4;
  if (k === 'lifecycle') return 5;
  if (k === 'dynamic' || k === 'precondition' || k === 'postcondition' || k === 'validation' || ctx.isBlock(`${path}.${k}`)) return 2;
  return 1;
}

/**
 * The body of a block (resource, data, variable, lifecycle, nested block…) as lines at `indent`. `inContent`: inside a
 * dynamic block's `content`, where only the schema's blocks have objects for values that are not attribute maps.
 */
function body(value: Json, path: HclPath, indent: string, ctx: HclRenderContext, inContent = false): string[] {
  const lines: string[] = [];
  const inner = `${indent}  `;
  const block = (name: string, labels: string, content: Json, childPath: HclPath, nested: boolean) => {
    lines.push(`${indent}${name}${labels} {`, ...body(content, childPath, inner, ctx, nested), `${indent}}`);
  };
  const entries = Object.entries(value ?? {}).filter(([k, v]) => k !== '//' && v !== undefined);
  // A stable sort: the construct's order within each group.
  entries.sort(([a], [b]) => rank(a, path, ctx) - rank(b, path, ctx));
  for (const [k, v] of entries) {
    const childPath = `${path}.${k}`;
    lines.push(...commentLines(ctx, childPath, indent));
    if (k === 'dynamic') {
      for (const [name, spec] of Object.entries(v as Record<string, Json>)) {
        const dynamicPath = `${path}.${name}`;
        lines.push(...commentLines(ctx, `${path}.dynamic.${name}`, indent));
        const { for_each: forEach, iterator, labels, content } = spec;
        lines.push(`${indent}dynamic "${name}" {`, `${inner}for_each = ${expression(forEach, inner)}`);
        if (iterator !== undefined) lines.push(`${inner}iterator = ${iterator}`);
        if (labels !== undefined) lines.push(`${inner}labels = ${expression(labels, inner)}`);
        lines.push(`${inner}content {`, ...body(content, dynamicPath, `${inner}  `, ctx, true), `${inner}}`, `${indent}}`);
      }
    } else if (k === 'depends_on' || k === 'ignore_changes' || k === 'replace_triggered_by') {
      lines.push(`${indent}${k} = ${Array.isArray(v) ? referenceList(v, indent) : reference(String(v))}`);
    } else if (k === 'provider') {
      lines.push(`${indent}provider = ${reference(String(v))}`);
    } else if (k === 'lifecycle' || k === 'precondition' || k === 'postcondition' || k === 'validation' || isBlockAt(childPath, v, inContent, ctx)) {
      for (const element of Array.isArray(v) ? v : [v]) block(k, '', element, childPath, inContent);
    } else {
      lines.push(`${indent}${key(k)} = ${expression(v, indent, ctx, childPath, indent.length + key(k).length + 3)}`);
    }
  }
  return lines;
}

/** Top-level blocks of a Terraform JSON document, each with its labels, in the order the JSON lists them. */
export function renderBlocks(json: Json, kind: 'variable' | 'output' | 'locals' | 'data' | 'resource' | 'terraform' | 'moved' | 'check', ctx: HclRenderContext): string[] {
  const section = json[kind];
  if (section === undefined) return [];
  const blocks: string[] = [];
  const emit = (header: string, path: HclPath, content: Json) => {
    const comment = commentLines(ctx, path, '');
    blocks.push([...comment, `${header} {`, ...body(content, path, '  ', ctx), '}'].join('\n'));
  };
  switch (kind) {
    case 'variable':
    case 'output':
      for (const [name, spec] of Object.entries(section as Record<string, Json>)) {
        // A variable's type constraint is an expression in HCL, a string in JSON.
        const content = kind === 'variable' && typeof spec.type === 'string' ? { ...spec, type: `\${${spec.type}}` } : spec;
        emit(`${kind} "${name}"`, `${kind}.${name}`, content);
      }
      break;
    case 'locals':
      emit('locals', 'locals', section);
      break;
    case 'moved':
      for (const move of section as { from: string; to: string }[]) blocks.push(`moved {\n  from = ${reference(move.from)}\n  to   = ${reference(move.to)}\n}`);
      break;
    case 'data':
    case 'resource':
      for (const [type, items] of Object.entries(section as Record<string, Json>)) {
        for (const [name, content] of Object.entries(items as Record<string, Json>)) emit(`${kind} "${type}" "${name}"`, `${kind}.${type}.${name}`, content);
      }
      break;
    case 'check':
      // A check block holds assert blocks, each a condition and a message (Terraform 1.5, "Checks").
      for (const [name, content] of Object.entries(section as Record<string, { assert: Json[] }>)) {
        const comment = commentLines(ctx, `check.${name}`, '');
        const asserts = content.assert.flatMap((a) => ['  assert {', `    condition = ${expression(a.condition, '    ')}`, `    error_message = ${expression(a.error_message, '    ')}`, '  }']);
        blocks.push([...comment, `check "${name}" {`, ...asserts, '}'].join('\n'));
      }
      break;
    case 'terraform': {
      const { required_providers: providers, ...rest } = section;
      const lines = [
        ...Object.entries(rest).map(([k, v]) => `  ${k} = ${expression(v, '  ')}`),
        '  required_providers {',
        ...Object.entries(providers ?? {}).map(([name, spec]) => `    ${name} = ${expression(spec, '    ')}`),
        '  }',
      ];
      blocks.push(['terraform {', ...lines, '}'].join('\n'));
      break;
    }
  }
  return blocks;
}
