/** The org, team and user a key belongs to, as the HTTP API shows them: null where there is none. */
export function ownerView(owner: { readonly orgId?: string | undefined; readonly teamId?: string | undefined; readonly userId?: string | undefined }) {
  return { team_id: owner.teamId ?? null, user_id: owner.userId ?? null, org_id: owner.orgId ?? null };
}
