// Compiled by scripts/lint-contract.sh (tsc --noEmit --strict) next to the
// types openapi-typescript generates from api/openapi.yaml, so a contract
// change that makes the generated types unusable for a client fails the lint.
import type { components, operations, paths } from "./fieldproof";

type NewCheck = components["schemas"]["NewCheck"];
type Photo = components["schemas"]["Photo"];
type Login = paths["/api/v1/auth/login"]["post"];

const login: Login["requestBody"]["content"]["application/json"] = { username: "inspector1", password: "secret" };

const check: NewCheck = {
  id: "6f1c1f8e-7d2b-4a52-9a51-0d1f7c3b2a10",
  project_id: "p-1",
  type: "progress",
  template_version: 1,
  answers: { percent_complete: 40 },
  location: { lat: 28.2, lon: 112.9, accuracy_m: 6 },
  captured_at: "2026-05-01T09:30:00+08:00",
  photo_ids: ["0b0d7c9e-5f3a-4c1e-8d2b-9a7e6f5d4c3b"],
};

function sha256Of(p: Photo): string {
  return p.sha256;
}

type Created = operations["createCheck"]["responses"][201]["content"]["application/json"];
const status: Created["status"] | undefined = undefined;

export { check, login, sha256Of, status };
