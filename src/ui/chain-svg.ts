import type { ChainNode } from '../core/diagnosis/chain';

const NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The chain as a small inline SVG: one circle per link, the failed one a red diamond with a cross,
 * a thick dashed line into it. Colours come from CSS variables so it follows the theme; the words are
 * passed in already translated, and the whole picture has one accessible description.
 */
export function chainSvg(nodes: ChainNode[], labels: string[], description: string): SVGSVGElement {
  const width = 340;
  const step = width / nodes.length;
  const svg = el('svg', { viewBox: `0 0 ${width} 82`, width: '100%', role: 'img', class: 'chain', 'data-testid': 'chain' });
  svg.append(el('title', {}, description));
  nodes.forEach((node, i) => {
    const cx = step * i + step / 2;
    if (i > 0) {
      const broken = node.state === 'failed';
      svg.append(
        el('line', {
          x1: cx - step + 17,
          y1: 22,
          x2: cx - 17,
          y2: 22,
          class: `link ${broken ? 'failed' : node.state === 'unknown' ? 'unknown' : 'ok'}`,
          ...(broken || node.state === 'unknown' ? { 'stroke-dasharray': '4 3' } : {}),
        }),
      );
    }
    // The failing link is marked by shape (a diamond, thicker line) as well as by colour.
    svg.append(
      node.state === 'failed'
        ? el('polygon', { points: `${cx},6 ${cx + 16},22 ${cx},38 ${cx - 16},22`, class: 'node failed' })
        : el('circle', { cx, cy: 22, r: 12, class: `node ${node.state}` }),
    );
    svg.append(
      el(
        'text',
        { x: cx, y: 27, 'text-anchor': 'middle', class: 'mark', 'aria-hidden': 'true' },
        node.state === 'failed' ? '✕' : node.state === 'unknown' ? '?' : '✓',
      ),
    );
    svg.append(el('text', { x: cx, y: 56, 'text-anchor': 'middle', class: `label ${node.state}` }, labels[i] ?? ''));
    if (node.detail)
      svg.append(
        el(
          'text',
          { x: cx, y: 74, 'text-anchor': 'middle', class: 'detail' },
          node.detail.length > 18 ? `${node.detail.slice(0, 17)}…` : node.detail,
        ),
      );
  });
  return svg;
}
