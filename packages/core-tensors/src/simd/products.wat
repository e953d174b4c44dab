;; Products with a narrow operand, streamed row by row (WebAssembly SIMD, four lanes). The
;; matmul kernels pack their second operand anew whenever it changes, which costs more than the
;; product itself when the other operand has a handful of rows: a bias gradient (a column sum)
;; or a readout's gradient (ten columns). Here nothing is packed or transposed.
;; Pointers are byte offsets into the imported memory; n counts float32s.
(module
  (import "env" "memory" (memory 1))

  ;; y[0..n) += s * x[0..n)
  (func $axpy (param $y i32) (param $x i32) (param $s f32) (param $n i32)
    (local $i i32) (local $end i32) (local $S v128)
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store align=4 (i32.add (local.get $y) (local.get $i))
          (f32x4.add
            (v128.load align=4 (i32.add (local.get $y) (local.get $i)))
            (f32x4.mul (v128.load align=4 (i32.add (local.get $x) (local.get $i))) (local.get $S))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone
      (loop $scalar
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $y) (local.get $i))
          (f32.add
            (f32.load (i32.add (local.get $y) (local.get $i)))
            (f32.mul (f32.load (i32.add (local.get $x) (local.get $i))) (local.get $s))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $scalar))))

  ;; out[k, n] = transpose(a[m, k]) . d[m, n]: for each row r and column j of a, out row j
  ;; gains a[r, j] times d row r (skipped when a[r, j] is 0: one-hot labels).
  (func (export "transposeTimes")
    (param $a i32) (param $d i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32)
    (local $r i32) (local $j i32) (local $s f32) (local $row i32)
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (i32.mul (local.get $k) (local.get $n)) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $row (i32.add (local.get $d) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $k)))
            (local.set $s (f32.load (i32.add (local.get $a)
              (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $j)) (i32.const 2)))))
            (if (f32.ne (local.get $s) (f32.const 0))
              (then
                (call $axpy
                  (i32.add (local.get $out) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 2)))
                  (local.get $row) (local.get $s) (local.get $n))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; out[n] = sum over rows of x[m, n]
  (func (export "columnSums") (param $x i32) (param $out i32) (param $m i32) (param $n i32)
    (local $r i32)
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $m)))
        (call $axpy (local.get $out)
          (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2)))
          (f32.const 1) (local.get $n))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))))
