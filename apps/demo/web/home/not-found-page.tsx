import { Page } from '../layout/page.js';
import { Link } from '../navigation/link.js';

/**
 * Any path the app does not know.
 *
 * @example
 * <NotFoundPage />
 */
export function NotFoundPage() {
  return (
    <Page title="Page not found" intro="There is no page at this address.">
      <p>
        <Link to="/">Go to the start page</Link>.
      </p>
    </Page>
  );
}
