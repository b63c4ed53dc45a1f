/** An error answer in OpenAI's shape, as tests read it. */
export interface ErrorBody {
  readonly error: { readonly message: string; readonly type: string; readonly code: string; readonly param: string | null };
}
