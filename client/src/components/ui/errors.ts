/** The text to show for any failure a page catches (API, platform or unexpected). */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return '操作失败，请重试';
}
