; Ferry injections.
;
; String interpolation `${expr}` needs no injection: the grammar parses the
; expression itself (an `interpolation` node inside `string`), so it is highlighted,
; folded and queried like any other Ferry expression.

; TODO/FIXME/NOTE markers in comments.
([
  (comment)
  (doc_comment)
] @injection.content
  (#set! injection.language "comment"))
