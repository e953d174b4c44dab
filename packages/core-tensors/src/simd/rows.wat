;; Row-wise kernels over a matrix x[m, n] (WebAssembly SIMD, four lanes): the sum of squares of
;; each row, and each row scaled by its own factor. Forward-Forward's goodness, its row
;; normalisation and its closed-form gradient are made of these; as tfjs ops they take a square,
;; a reduction and a broadcast division, each a pass over the matrix.
;; Pointers are byte offsets into the imported memory; m and n count float32s.
(module
  (import "env" "memory" (memory 1))

  ;; out[r] = sum over j of x[r, j]^2
  (func (export "rowSquareSums") (param $x i32) (param $out i32) (param $m i32) (param $n i32)
    (local $r i32) (local $i i32) (local $row i32) (local $vecEnd i32) (local $end i32)
    (local $acc v128) (local $v v128) (local $s f32)
    (local.set $vecEnd (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $row (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $end))))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $i) (local.get $vecEnd)))
            (local.set $v (v128.load align=4 (i32.add (local.get $row) (local.get $i))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (local.get $v))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $vec)))
        (local.set $s
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $s
              (f32.add (local.get $s)
                (f32.mul
                  (f32.load (i32.add (local.get $row) (local.get $i)))
                  (f32.load (i32.add (local.get $row) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $tail)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))) (local.get $s))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; out[r, j] = x[r, j] * s[r]
  (func (export "scaleRows") (param $x i32) (param $s i32) (param $out i32) (param $m i32) (param $n i32)
    (local $r i32) (local $i i32) (local $from i32) (local $to i32) (local $vecEnd i32) (local $end i32)
    (local $factor f32) (local $S v128)
    (local.set $vecEnd (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $from (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $end))))
        (local.set $to (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $end))))
        (local.set $factor (f32.load (i32.add (local.get $s) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $S (f32x4.splat (local.get $factor)))
        (local.set $i (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $i) (local.get $vecEnd)))
            (v128.store align=4 (i32.add (local.get $to) (local.get $i))
              (f32x4.mul (v128.load align=4 (i32.add (local.get $from) (local.get $i))) (local.get $S)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $vec)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
            (f32.store (i32.add (local.get $to) (local.get $i))
              (f32.mul (f32.load (i32.add (local.get $from) (local.get $i))) (local.get $factor)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))))
