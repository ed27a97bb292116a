// What the report screens share besides the store's calls (store/report.ts): the error's words and
// code, and handing a text to the person as a file.

export { errorCode, errorText } from '../../bridge/answer';

/** Hands a text to the person as a file download (CSV), the same in a browser and in the desktop app. */
export function download(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  // A byte-order mark, so a spreadsheet reads the UTF-8 names (é, ü, 日本) as they are.
  const url = URL.createObjectURL(new Blob(['\uFEFF', text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
