import { renderSVG } from 'uqr';

/**
 * A QR code of this page's approval link with the code filled in, so a phone
 * that is signed in can scan it instead of typing the code.
 */
export function ApprovalQr({ code }: { code: string }) {
  const link = `${window.location.origin}/pair?code=${encodeURIComponent(code)}`;
  const svg = renderSVG(link, { border: 2 });
  return (
    <figure className="pairing-qr">
      <img
        src={`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`}
        width={160}
        height={160}
        alt={`QR code of ${link}`}
      />
      <figcaption>
        Or scan this with a signed-in phone: <a href={link}>{link}</a>
      </figcaption>
    </figure>
  );
}
