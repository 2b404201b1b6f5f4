// Member identity tokens: HS256 JWTs made by the host's backend with IDENTITY_SECRET.
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";

export interface IdentityClaims {
  externalId: string;
  name?: string;
  email?: string;
}

const MAX_CLOCK_SKEW_SECONDS = 30;

export class TokenError extends Error {}

export async function verifyIdentityToken(token: string, secret: string): Promise<IdentityClaims> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ["HS256"],
      requiredClaims: ["sub", "exp"],
      clockTolerance: MAX_CLOCK_SKEW_SECONDS,
    });
    const sub = payload.sub;
    if (typeof sub !== "string" || sub.length === 0 || sub.length > 200) {
      throw new TokenError("identity token has an invalid sub");
    }
    return {
      externalId: sub,
      name: typeof payload.name === "string" ? payload.name.slice(0, 200) : undefined,
      email: typeof payload.email === "string" ? payload.email.slice(0, 320) : undefined,
    };
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new TokenError("identity token has expired");
    throw new TokenError("identity token is invalid");
  }
}

/** What a host backend does; used by the examples, the demo and the tests. */
export async function signIdentityToken(
  claims: IdentityClaims,
  secret: string,
  expiresIn: string | number = "15m",
): Promise<string> {
  const jwt = new SignJWT({ name: claims.name, email: claims.email })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.externalId)
    .setIssuedAt();
  if (typeof expiresIn === "number") jwt.setExpirationTime(expiresIn);
  else jwt.setExpirationTime(expiresIn);
  return jwt.sign(new TextEncoder().encode(secret));
}
