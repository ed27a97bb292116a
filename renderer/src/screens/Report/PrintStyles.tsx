// How a report page prints (the browser's print, Electron's printToPDF): only the report, on white,
// at the page's full height — no header, navigation or status bar, no buttons; the lists drawn for
// print only show up. Plain CSS in one <style> (the CSP allows inline styles, as Fluent's own do).
const CSS = `
@media screen {
  [data-print="only"] { display: none !important; }
}
@media print {
  @page { margin: 14mm 12mm; }
  html, body { background: #fff !important; }
  header, nav[aria-label="Haul"], main ~ div, [data-print="hide"] { display: none !important; }
  div:has(> main) { display: block !important; height: auto !important; background: #fff !important; }
  main { overflow: visible !important; padding: 0 !important; }
  [data-print="only"] { display: flex !important; flex-direction: column; gap: 8px; }
  table { min-width: 0 !important; }
  tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
`;

export function PrintStyles() {
  return <style>{CSS}</style>;
}
