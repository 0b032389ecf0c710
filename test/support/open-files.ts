import fs from 'node:fs';

/** Files this process still holds open whose path contains `marker` (a leaked stream shows here). */
export function openFilesMatching(marker: string): string[] {
  return fs
    .readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return ''; // the descriptor closed while we listed them
      }
    })
    .filter((target) => target.includes(marker));
}
