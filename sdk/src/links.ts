// The file types a click counts as a download for: documents, archives, installers, media.
const FILE_TYPES = /\.(pdf|xlsx?|docx?|pptx?|csv|txt|rtf|zip|rar|7z|gz|dmg|exe|msi|pkg|iso|apk|mp[34]|mov|avi|wav)$/i;

/**
 * The event a click on a link to `href` is, if the site asked for that kind: a file download
 * (any host), else an outbound link (another host, http or https only: not mailto:, tel:...).
 */
export function linkEvent(
  href: string,
  pageHost: string,
  outbound: boolean,
  downloads: boolean,
): "outbound_link" | "file_download" | undefined {
  const url = new URL(href);
  if (downloads && FILE_TYPES.test(url.pathname)) return "file_download";
  if (outbound && /^https?:$/.test(url.protocol) && url.host != pageHost) return "outbound_link";
}
