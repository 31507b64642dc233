// JSON client for the Gatehouse API. Every call sends the session cookie
// (credentials: same-origin) and nothing is kept in web storage.

import { language } from './language.svelte';
import { messages } from './messages';

/** A failed API call: an HTTP error status, or status 0 when the server could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** Seconds from the Retry-After header, when the server sent one. */
  readonly retryAfterSeconds: number | null;

  constructor(status: number, message: string, body: Record<string, unknown>, retryAfterSeconds: number | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** True when the server requires a fresh second factor before this action (403 with "step_up": true). */
  get stepUpRequired(): boolean {
    return this.status === 403 && this.body.step_up === true;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /**
   * Set when a 401 is an expected response of this call (a wrong password or code),
   * so it does not count as an ended session.
   */
  unauthorizedIsExpected?: boolean;
  signal?: AbortSignal;
}

type UnauthorizedHandler = (error: ApiError) => void;

let unauthorizedHandler: UnauthorizedHandler | null = null;

/** Sets the function called on every unexpected 401, before the call throws. */
export function onUnauthorized(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler;
}

/**
 * Parses a Retry-After header value into whole seconds from `now`.
 * Accepts delta-seconds or an HTTP date (RFC 9110, section 10.2.3), and returns null for anything else.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

async function readJsonObject(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Sends one request to the API and returns the parsed JSON body.
 * Throws ApiError with the server's `error` sentence for any 4xx/5xx response.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  // The server writes its error sentences in the language the person chose here.
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': language.current,
  };
  const init: RequestInit = {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers,
    signal: options.signal,
  };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, messages.networkError, {}, null);
  }

  const body = await readJsonObject(response);
  if (response.ok) return body as T;

  const serverMessage = typeof body.error === 'string' && body.error !== '' ? body.error : null;
  const error = new ApiError(
    response.status,
    serverMessage ?? messages.requestFailed(response.status),
    body,
    parseRetryAfter(response.headers.get('Retry-After')),
  );
  if (response.status === 401 && !options.unauthorizedIsExpected) unauthorizedHandler?.(error);
  throw error;
}

/** Returns the sentence to show a person for a failed call, including the 429 wait time. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429 && error.retryAfterSeconds !== null) {
      return messages.tooManyAttempts(error.retryAfterSeconds);
    }
    return error.message;
  }
  return messages.networkError;
}
