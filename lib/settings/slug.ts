export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SLUG_RULE =
  'lowercase letters, digits and dashes, starting with a letter or digit, at most 63 characters';

/** A project slug suggested by its name: "Acme Chat (EU)" -> "acme-chat-eu"; empty when nothing is left. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
