import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FileVariant } from '@gantry/shared';

/**
 * Short-lived links to file content. `<Image src>` in the mini-program and `<img>` in H5 cannot
 * send the Authorization header, so the API signs id + variant + expiry after its access check and
 * the content route accepts a valid, unexpired signature instead of a session. A link may name
 * its audience (a customer's portal account): the content route then asks again, at fetch time,
 * whether that audience may still see the file, so a withdrawn photo stops loading at once.
 */
export class UrlSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(id: string, variant: FileVariant, exp: number, audience: string): string {
    // No audience signs exactly what links without one always signed (`exp` holds no newline).
    const signed = `${id}\n${variant}\n${exp}${audience ? `\n${audience}` : ''}`;
    return createHmac('sha256', this.secret).update(signed).digest('base64url');
  }

  /** `/api/v1/files/<id>/<variant>?exp=<unix seconds>&sig=<hmac>[&for=<audience>]` */
  url(id: string, variant: FileVariant, audience = ''): string {
    const exp = Math.floor(this.now() / 1000) + this.ttlSeconds;
    const sig = this.mac(id, variant, exp, audience);
    return `/api/v1/files/${id}/${variant}?exp=${exp}&sig=${sig}${audience ? `&for=${audience}` : ''}`;
  }

  /** Seconds the link has left, or null when the signature is wrong or the link has expired. */
  verify(id: string, variant: FileVariant, exp: number, sig: string, audience = ''): number | null {
    const expected = Buffer.from(this.mac(id, variant, exp, audience));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const left = exp - Math.floor(this.now() / 1000);
    return left > 0 ? left : null;
  }
}
