import { type ReactNode, useEffect } from 'react';

export interface PageProps {
  title: string;
  /** One short line: what this page shows. */
  intro: ReactNode;
  children?: ReactNode;
}

/**
 * A page: its heading (focused after client-side navigation, so screen readers
 * announce the new page), a line saying what it shows, and the document title.
 *
 * @example
 * <Page title="Audit log" intro="Security events on your account, newest first.">…</Page>
 */
export function Page({ title, intro, children }: PageProps) {
  useEffect(() => {
    document.title = `${title} · Latchkey demo`;
  }, [title]);
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      <p className="intro">{intro}</p>
      {children}
    </>
  );
}
