import { Link } from '../app';
import { PageHeading } from '../ui/PageHeading';

export function NotFound() {
  return (
    <section class="container">
      <PageHeading title="Page not found" />
      <p>There is nothing at this address.</p>
      <p>
        <Link to="/">Go to the user list</Link>
      </p>
    </section>
  );
}
