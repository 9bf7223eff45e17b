// A browser is handed its token in the URL fragment (`/#token=…`, DESIGN §6): fragments never
// reach the server's logs. The console keeps the token and clears it from the address bar.

export interface FragmentToken {
  token: string | null;
  /** The fragment without the token, to put back in the address bar ('' for none). */
  remainingHash: string;
}

export function takeTokenFromFragment(hash: string): FragmentToken {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '') return { token: null, remainingHash: '' };
  const params = new URLSearchParams(raw);
  const token = params.get('token');
  params.delete('token');
  const rest = params.toString();
  return {
    token: token && token.trim() !== '' ? token.trim() : null,
    remainingHash: rest ? `#${rest}` : '',
  };
}
