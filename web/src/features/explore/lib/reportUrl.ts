/** A report id from the URL ("12"), or null when there is none or it is not a positive integer. */
export function parseReportId(text: string | null | undefined): number | null {
  if (!text || !/^[1-9][0-9]{0,15}$/.test(text)) return null;
  return Number(text);
}
