// A tiny, safe Markdown renderer for the coach's answers: headings, lists, paragraphs, fenced
// code, **bold** / __bold__, *italic* / _italic_ and `code`, in every block (list items and
// headings too). It builds DOM nodes with textContent only (no innerHTML), so nothing in an
// answer can inject markup.

// Emphasis opens and closes next to a non-space character and never inside a word, so
// "2 * 3 * 4" and author_id stay as they are.
const INLINE = new RegExp(
  [
    '`[^`]+`',
    String.raw`(?<![\w*])\*\*(?=\S)[^*]*?\S\*\*(?![\w*])`,
    String.raw`(?<![\w_])__(?=\S)[^_]*?\S__(?![\w_])`,
    String.raw`(?<![\w*])\*(?=[^\s*])[^*]*?[^\s*]?\*(?![\w*])`,
    String.raw`(?<![\w_])_(?=[^\s_])[^_]*?[^\s_]?_(?![\w_])`,
  ].join('|'),
  'g',
);

function inline(parent, text) {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parent.append(text.slice(last, match.index));
    const token = match[0];
    const strong = token.startsWith('**') || token.startsWith('__');
    const tag = token.startsWith('`') ? 'code' : strong ? 'strong' : 'em';
    const trim = strong ? 2 : 1;
    const node = document.createElement(tag);
    node.textContent = token.slice(trim, -trim);
    parent.append(node);
    last = match.index + token.length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

export function renderMarkdown(target, source) {
  const root = document.createDocumentFragment();
  let list = null;
  let code = null;
  let paragraph = null;
  for (const line of source.split('\n')) {
    if (code) {
      if (line.startsWith('```')) { code = null; } else { code.textContent += `${line}\n`; }
      continue;
    }
    if (line.startsWith('```')) {
      const pre = document.createElement('pre');
      code = document.createElement('code');
      pre.append(code);
      root.append(pre);
      list = paragraph = null;
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (heading) {
      const h = document.createElement(`h${Math.min(6, heading[1].length + 2)}`);
      inline(h, heading[2]);
      root.append(h);
      list = paragraph = null;
    } else if (item) {
      if (!list) { list = document.createElement('ul'); root.append(list); }
      const li = document.createElement('li');
      inline(li, item[1]);
      list.append(li);
      paragraph = null;
    } else if (line.trim() === '') {
      list = paragraph = null;
    } else {
      if (!paragraph) { paragraph = document.createElement('p'); root.append(paragraph); }
      else paragraph.append(' ');
      inline(paragraph, line);
      list = null;
    }
  }
  target.replaceChildren(root);
}
