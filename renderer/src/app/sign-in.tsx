import { useId, useState, type FormEvent } from 'react';

interface SignInProps {
  /** Why the console asks again (a refused token), or null on a first visit. */
  problem: string | null;
  onSignIn(token: string): void;
}

/** Paste a token: `npm start` hands one over in the console link, so this is the fallback. */
export function SignIn({ problem, onSignIn }: SignInProps) {
  const [token, setToken] = useState('');
  const inputId = useId();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const trimmed = token.trim();
    if (trimmed !== '') onSignIn(trimmed);
  };
  return (
    <main className="sign-in">
      <form className="sign-in__card" onSubmit={submit} aria-labelledby={`${inputId}-title`}>
        <h1 id={`${inputId}-title`}>Sign in to Runway</h1>
        {problem ? (
          <p className="notice notice--error" role="alert">
            {problem}
          </p>
        ) : null}
        <label htmlFor={inputId}>API token</label>
        <input
          id={inputId}
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={token}
          onChange={(event) => setToken(event.target.value)}
          placeholder="rwy_…"
        />
        <button type="submit" className="button button--primary" disabled={token.trim() === ''}>
          Sign in
        </button>
        <p className="hint">
          <code>npm start</code> prints a console link that signs you in. Otherwise ask an admin for
          a token, or create one: <code>npx runway token create --name you --role viewer</code>.
        </p>
      </form>
    </main>
  );
}
