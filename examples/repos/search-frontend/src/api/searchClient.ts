// Typed access to the search API, with a timeout and a retry on 429/5xx.

export interface SearchHit {
  id: string;
  title: string;
  snippet: string;
  url: string;
  score: number;
}

export interface SearchResponse {
  query: string;
  total: number;
  hits: SearchHit[];
  facets: Record<string, Record<string, number>>;
}

export interface SearchParams {
  query: string;
  page?: number;
  pageSize?: number;
  filters?: Record<string, string>;
}

export class SearchError extends Error {
  constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "SearchError";
  }
}

const RETRYABLE = new Set([429, 502, 503, 504]);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class SearchClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 8000,
    private readonly maxAttempts = 3,
  ) {}

  async search(params: SearchParams, signal?: AbortSignal): Promise<SearchResponse> {
    const qs = new URLSearchParams({ q: params.query, page: String(params.page ?? 1) });
    if (params.pageSize) qs.set("size", String(params.pageSize));
    for (const [key, value] of Object.entries(params.filters ?? {})) qs.append(`f.${key}`, value);
    return this.get<SearchResponse>(`/search?${qs.toString()}`, signal);
  }

  async suggest(prefix: string, signal?: AbortSignal): Promise<string[]> {
    if (prefix.trim().length < 2) return [];
    const body = await this.get<{ suggestions: string[] }>(`/suggest?q=${encodeURIComponent(prefix)}`, signal);
    return body.suggestions;
  }

  private async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      signal?.addEventListener("abort", () => controller.abort(), { once: true });
      try {
        const res = await fetch(`${this.baseUrl}${path}`, {
          headers: { Accept: "application/json" },
          signal: controller.signal,
        });
        if (res.ok) return (await res.json()) as T;
        if (!RETRYABLE.has(res.status) || attempt === this.maxAttempts) {
          throw new SearchError(res.status, `search API answered ${res.status}`);
        }
        lastError = new SearchError(res.status, res.statusText);
      } catch (err) {
        if (err instanceof SearchError || signal?.aborted) throw err;
        lastError = err;
      } finally {
        clearTimeout(timer);
      }
      await sleep(250 * 2 ** (attempt - 1));
    }
    throw lastError instanceof Error ? lastError : new SearchError(0, "search API unreachable");
  }
}
