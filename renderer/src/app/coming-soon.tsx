/** A section that is not built yet: it says so, rather than showing an empty page. */
export function ComingSoon({ title, what }: { title: string; what: string }) {
  return (
    <section className="view view--placeholder" aria-labelledby="coming-soon-title">
      <h1 id="coming-soon-title">{title}</h1>
      <p className="hint">Coming soon: {what}</p>
    </section>
  );
}
