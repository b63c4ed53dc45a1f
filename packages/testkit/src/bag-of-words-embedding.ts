/**
 * A text's words counted into `dimensions` buckets (lower-cased, punctuation dropped, each word hashed
 * to a bucket), as a unit vector: texts with the same words get the same vector, texts sharing most of
 * their words close ones (cosine 5/6 for six words with one changed). For a mock embeddings server
 * whose vectors must compare as a real model's roughly do.
 */
export function bagOfWordsEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []) {
    let hash = 2166136261;
    for (let index = 0; index < word.length; index += 1) hash = Math.imul(hash ^ word.charCodeAt(index), 16777619) >>> 0;
    vector[hash % dimensions]! += 1;
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}
