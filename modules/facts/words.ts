/** `a, b or c`: the allowed values of a fact, as messages name them. */
export function alternatives(values: readonly string[], conjunction = 'or'): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} ${conjunction} ${values[values.length - 1]}`;
}
