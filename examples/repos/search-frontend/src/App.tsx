import { useEffect, useMemo, useState } from "react";
import { SearchClient, type SearchResponse } from "./api/searchClient";
import { ResultsList } from "./components/ResultsList";
import { SearchBox } from "./components/SearchBox";
import { readQueryState, writeQueryState, type QueryState } from "./lib/queryState";

const PAGE_SIZE = 20;

export default function App() {
  const client = useMemo(() => new SearchClient(import.meta.env.VITE_SEARCH_API_URL ?? "/api"), []);
  const [state, setState] = useState<QueryState>(() => readQueryState(window.location.search));
  const [result, setResult] = useState<SearchResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    window.history.replaceState(null, "", writeQueryState(state) || window.location.pathname);
    if (!state.query) {
      setResult(null);
      return;
    }
    const controller = new AbortController();
    setError(null);
    client
      .search({ query: state.query, page: state.page, pageSize: PAGE_SIZE, filters: state.filters }, controller.signal)
      .then(setResult)
      .catch((err: Error) => {
        if (!controller.signal.aborted) setError(err.message);
      });
    return () => controller.abort();
  }, [client, state]);

  return (
    <main>
      <SearchBox client={client} initialQuery={state.query} onSubmit={(query) => setState({ ...state, query, page: 1 })} />
      {error && <p role="alert">Search is unavailable right now ({error}).</p>}
      {result && (
        <ResultsList
          hits={result.hits}
          query={result.query}
          total={result.total}
          page={state.page}
          pageSize={PAGE_SIZE}
          onPage={(page) => setState({ ...state, page })}
        />
      )}
    </main>
  );
}
