/** A QR code (an invite, a payment), drawn by the `qrcode` package into an SVG (loaded on demand). */
import { useEffect, useState } from "react";

export function QrCode({
  text,
  size = 200,
  label,
  testId = "invite-qr",
}: {
  text: string;
  size?: number;
  label: string;
  testId?: string;
}) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void import("qrcode").then((qrcode) =>
      qrcode
        .toString(text, { type: "svg", margin: 1, width: size, errorCorrectionLevel: "M" })
        .then((markup) => {
          if (live) setSvg(markup);
        }),
    );
    return () => {
      live = false;
    };
  }, [text, size]);
  return (
    <div
      className="qr"
      role="img"
      aria-label={label}
      data-testid={testId}
      style={{ width: size, height: size }}
      // The markup comes from the qrcode library, built from our own URL: no user HTML.
      dangerouslySetInnerHTML={svg === null ? undefined : { __html: svg }}
    />
  );
}
