// The search state lives in the URL so results can be shared and the back button works.

export interface QueryState {
  query: string;
  page: number;
  filters: Record<string, string>;
}

export function readQueryState(search: string): QueryState {
  const params = new URLSearchParams(search);
  const filters: Record<string, string> = {};
  params.forEach((value, key) => {
    if (key.startsWith("f.")) filters[key.slice(2)] = value;
  });
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return { query: params.get("q") ?? "", page: Number.isFinite(page) && page > 0 ? page : 1, filters };
}

export function writeQueryState(state: QueryState): string {
  const params = new URLSearchParams();
  if (state.query) params.set("q", state.query);
  if (state.page > 1) params.set("page", String(state.page));
  for (const key of Object.keys(state.filters).sort()) params.set(`f.${key}`, state.filters[key]);
  const text = params.toString();
  return text ? `?${text}` : "";
}
