// The quality reports of uploaded recordings as tables, one per file, one row per check of the server's quality
// gate (the rows come from voices-api.js `uploadReports`). Used by the new-voice form and each voice's recordings.

import { el } from './dom.js';

/** Replaces `container`'s content with `reports` (`[{title, passed, loudness, rows}]`). */
export function renderReports(container, reports) {
  container.replaceChildren(...reports.map((r) => {
    const box = el('section', 'report');
    box.dataset.passed = String(r.passed);
    box.append(el('h4', null, `${r.title}: ${r.passed ? 'passed' : 'did not pass'} · loudness ${r.loudness}`));
    const table = el('table', 'report-table');
    const head = el('tr');
    for (const h of ['Check', 'Measured', 'Limit', 'Result']) {
      const th = el('th', null, h);
      th.scope = 'col';
      head.append(th);
    }
    table.append(el('thead'), el('tbody'));
    table.tHead.append(head);
    for (const row of r.rows) {
      const tr = el('tr');
      tr.dataset.code = row.code;
      tr.dataset.passed = String(row.passed);
      const th = el('th', null, row.label);
      th.scope = 'row';
      th.title = row.code;
      tr.append(th, el('td', null, row.value), el('td', null, row.limit), el('td', null, row.message));
      table.tBodies[0].append(tr);
    }
    box.append(table);
    return box;
  }));
}
