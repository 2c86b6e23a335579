import * as ts from 'typescript';

/**
 * The why-comments of the constructs, so the HCL modules generated from them carry the same explanations: for every
 * `new SomeResource(this, 'id', { … })` in the given sources, the `//` comments above the statement and above each
 * property, by Terraform path (`node_config.shielded_instance_config`), and those above `this.x.addOverride('path', …)`.
 */
export type ConstructComments = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

/** `ContainerCluster:cluster`: the class and construct id a comment set belongs to. */
export const commentKey = (className: string, id: string) => `${className}:${id}`;

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function leadingComments(text: string, node: ts.Node): string[] {
  return (ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [])
    .filter((r) => r.kind === ts.SyntaxKind.SingleLineCommentTrivia)
    .map((r) => text.slice(r.pos + 2, r.end).trim());
}

/** Object literals an expression evaluates to: `{…}`, `(…)`, both arms of `a ? {…} : {…}`. */
function objectLiterals(node: ts.Expression): ts.ObjectLiteralExpression[] {
  if (ts.isObjectLiteralExpression(node)) return [node];
  if (ts.isParenthesizedExpression(node)) return objectLiterals(node.expression);
  if (ts.isConditionalExpression(node)) return [...objectLiterals(node.whenTrue), ...objectLiterals(node.whenFalse)];
  return [];
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name)) return snake(name.text);
  if (ts.isStringLiteral(name)) return name.text;
  return undefined;
}

/** The statement a node belongs to. */
function statementOf(node: ts.Node): ts.Node {
  let statement = node;
  while (statement.parent && !ts.isStatement(statement)) statement = statement.parent;
  return statement;
}

export function constructComments(sources: readonly { readonly fileName: string; readonly text: string }[]): ConstructComments {
  const result = new Map<string, Map<string, string[]>>();
  const add = (key: string, path: string, lines: readonly string[]) => {
    if (lines.length === 0) return;
    const paths = result.get(key) ?? new Map<string, string[]>();
    paths.set(path, [...(paths.get(path) ?? []), ...lines]);
    result.set(key, paths);
  };
  for (const { fileName, text } of sources) {
    const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
    /** `this.cluster` -> the comment key of the construct assigned to it, for later `this.cluster.addOverride(…)`. */
    const fields = new Map<string, string>();
    /** Blocks whose first statement's comment an override already took. */
    const explained = new Set<ts.Node>();
    const walkObject = (key: string, object: ts.ObjectLiteralExpression, prefix: string, inherited: readonly string[] = []) => {
      for (const property of object.properties) {
        if (ts.isSpreadAssignment(property)) {
          const comments = leadingComments(text, property);
          for (const literal of objectLiterals(property.expression)) walkObject(key, literal, prefix, comments);
          continue;
        }
        if (!ts.isPropertyAssignment(property)) continue;
        const name = propertyName(property.name);
        if (name === undefined) continue;
        const path = prefix ? `${prefix}.${name}` : name;
        add(key, path, [...inherited, ...leadingComments(text, property)]);
        inherited = [];
        for (const literal of objectLiterals(property.initializer)) walkObject(key, literal, path);
      }
    };
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && node.arguments && node.arguments.length >= 3) {
        const [, id, props] = node.arguments;
        if (ts.isStringLiteral(id) && ts.isObjectLiteralExpression(props)) {
          const key = commentKey(node.expression.getText(file), id.text);
          add(key, '', leadingComments(text, statementOf(node)));
          walkObject(key, props, '');
          const parent = node.parent;
          if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) fields.set(parent.left.getText(file), key);
        }
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'addOverride') {
        const key = fields.get(node.expression.expression.getText(file));
        const [path] = node.arguments;
        if (key && path && ts.isStringLiteral(path)) {
          // The comment above the override, or above the first statement of the block that prepares it.
          const statement = statementOf(node);
          const block = statement.parent;
          const first = ts.isBlock(block) ? block.statements[0] : statement;
          const own = leadingComments(text, statement);
          if (own.length > 0) add(key, path.text, own);
          else if (!explained.has(first)) {
            explained.add(first);
            add(key, path.text, leadingComments(text, first));
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return result;
}
