import { ApiError } from "../errors/api-error";

const REALM = 'Bearer realm="detecktiv"';

/** No credentials at all (RFC 6750: no error code in the challenge). */
export function missingCredentials(): ApiError {
  return new ApiError("unauthorized", "Send a bearer token or an API key.", {
    headers: { "www-authenticate": REALM },
  });
}

/** Bad credentials. The detail says what a legitimate client needs, nothing more. */
export function invalidCredentials(detail = "The credentials are not valid.", cause?: unknown): ApiError {
  return new ApiError("unauthorized", detail, {
    cause,
    headers: { "www-authenticate": `${REALM}, error="invalid_token"` },
  });
}
