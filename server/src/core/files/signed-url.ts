import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FileVariant } from '@gantry/shared';

/**
 * Short-lived links to file content. `<Image src>` in the mini-program and `<img>` in H5 cannot
 * send the Authorization header, so the API signs id + variant + expiry after its access check and
 * the content route trusts a valid, unexpired signature instead of a session.
 */
export class UrlSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(id: string, variant: FileVariant, exp: number): string {
    return createHmac('sha256', this.secret).update(`${id}\n${variant}\n${exp}`).digest('base64url');
  }

  /** `/api/v1/files/<id>/<variant>?exp=<unix seconds>&sig=<hmac>` */
  url(id: string, variant: FileVariant): string {
    const exp = Math.floor(this.now() / 1000) + this.ttlSeconds;
    return `/api/v1/files/${id}/${variant}?exp=${exp}&sig=${this.mac(id, variant, exp)}`;
  }

  /** Seconds the link has left, or null when the signature is wrong or the link has expired. */
  verify(id: string, variant: FileVariant, exp: number, sig: string): number | null {
    const expected = Buffer.from(this.mac(id, variant, exp));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const left = exp - Math.floor(this.now() / 1000);
    return left > 0 ? left : null;
  }
}
