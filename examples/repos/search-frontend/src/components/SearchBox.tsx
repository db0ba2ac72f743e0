import { useEffect, useId, useState } from "react";
import { SearchClient } from "../api/searchClient";
import { useDebounce } from "../hooks/useDebounce";

interface Props {
  client: SearchClient;
  initialQuery: string;
  onSubmit: (query: string) => void;
}

export function SearchBox({ client, initialQuery, onSubmit }: Props) {
  const [text, setText] = useState(initialQuery);
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const debounced = useDebounce(text, 200);
  const listId = useId();

  useEffect(() => {
    const controller = new AbortController();
    client
      .suggest(debounced, controller.signal)
      .then(setSuggestions)
      .catch(() => setSuggestions([]));
    return () => controller.abort();
  }, [client, debounced]);

  return (
    <form
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(text.trim());
      }}
    >
      <input
        type="search"
        value={text}
        list={listId}
        placeholder="Search products, guides and docs"
        onChange={(event) => setText(event.target.value)}
        aria-label="Search"
      />
      <datalist id={listId}>
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <button type="submit">Search</button>
    </form>
  );
}
