// Small DOM helpers shared by the view modules (stateless).

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

export function option(value, label, disabled = false) {
  const opt = el('option', null, label);
  opt.value = value;
  opt.disabled = disabled;
  return opt;
}

export const fmtMs = (v) => (v == null ? '—' : `${Math.round(v)} ms`);
