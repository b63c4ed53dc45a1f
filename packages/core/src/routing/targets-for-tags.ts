/** A target as tag-based routing sees it: the tags it serves. */
export interface TaggedTarget {
  readonly tags?: readonly string[] | undefined;
}

/** The tag of the targets that serve requests with none of their route's tags. */
export const defaultTargetTag = 'default';

/**
 * The targets of a route that serve a request's tags (tag-based routing, LiteLLM's deployment `tags`):
 * those tagged with one of the request's tags, when any is; else the targets tagged `default` and the
 * untagged ones. Empty when none serves the request. A route none of whose targets has tags is
 * returned as it is.
 */
export function targetsForTags<T extends TaggedTarget>(targets: readonly T[], tags: readonly string[] | undefined): readonly T[] {
  if (!hasTaggedTarget(targets)) return targets;
  if (tags !== undefined) {
    const matching = targets.filter((target) => target.tags?.some((tag) => tags.includes(tag)) === true);
    if (matching.length > 0) return matching;
  }
  return targets.filter((target) => target.tags === undefined || target.tags.includes(defaultTargetTag));
}

/** Whether any target is tagged (a loop, not a closure: it runs on every request). */
function hasTaggedTarget(targets: readonly TaggedTarget[]): boolean {
  for (let index = 0; index < targets.length; index += 1) if (targets[index]!.tags !== undefined) return true;
  return false;
}
