/**
 * Code copied one level deeper: `indent` after every line break, except a break a backslash
 * continues (`"ab\` + newline + `cd"`): the compiler splices those lines, so spaces put there
 * would land inside the string literal or token that spans them.
 */
export function reindent(text: string, eol: string, indent: string): string {
  return text.replace(/(\\?)\r?\n/g, (m: string, backslash: string) => (backslash ? m : `${eol}${indent}`));
}
