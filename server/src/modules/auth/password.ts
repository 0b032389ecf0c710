import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id (the OWASP first choice) via @node-rs/argon2: prebuilt binaries shipped in the npm
 * package, no install script, no node-gyp. Parameters are the library's defaults (m=19 MiB, t=2).
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// A real hash of a random string: unknown usernames cost the same time as wrong passwords.
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zq2oLaLFgXnSxbeIKSMGcYTpWDSQk6mG3X6Bq2bi03Y';

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? DUMMY_HASH, password);
    return passwordHash !== null && ok;
  } catch {
    return false;
  }
}
