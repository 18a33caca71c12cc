import QRCode from "qrcode";

/**
 * The QR code for a public page as an SVG string, made on the server so the page needs no script and
 * the poster prints it crisply at any size. Medium error correction survives a creased noticeboard.
 */
export async function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M", color: { dark: "#000000", light: "#ffffff" } });
}

/** The public address of a page, from the request's own origin. */
export function publicUrl(request: Request, path: string): string {
  return new URL(path, new URL(request.url).origin).toString();
}
