import type { SearchHit } from "../api/searchClient";
import { highlight } from "../lib/highlight";

interface Props {
  hits: SearchHit[];
  query: string;
  total: number;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
}

export function ResultsList({ hits, query, total, page, pageSize, onPage }: Props) {
  if (hits.length === 0) {
    return <p className="empty">No results for “{query}”. Try fewer or different words.</p>;
  }
  const pages = Math.ceil(total / pageSize);
  return (
    <section aria-live="polite">
      <p className="summary">
        {total.toLocaleString()} results for “{query}”
      </p>
      <ol className="results">
        {hits.map((hit) => (
          <li key={hit.id}>
            <a href={hit.url}>{hit.title}</a>
            <p>
              {highlight(hit.snippet, query).map((seg, i) =>
                seg.match ? <mark key={i}>{seg.text}</mark> : <span key={i}>{seg.text}</span>,
              )}
            </p>
          </li>
        ))}
      </ol>
      <nav className="pager">
        <button disabled={page <= 1} onClick={() => onPage(page - 1)}>
          Previous
        </button>
        <span>
          Page {page} of {pages}
        </span>
        <button disabled={page >= pages} onClick={() => onPage(page + 1)}>
          Next
        </button>
      </nav>
    </section>
  );
}
