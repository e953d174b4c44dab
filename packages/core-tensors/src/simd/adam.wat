;; One Adam step over n float32s, four lanes at a time (WebAssembly SIMD), in the op order of
;; tfjs-core's AdamOptimizer so that the results are bit-identical to it:
;;   m' = m*b1 + g*(1-b1)          v' = v*b2 + (g*g)*(1-b2)
;;   p' = ((m'/c1) / (sqrt(v'/c2) + eps))*(-lr) + p      with c = 1 - beta^t
;; Pointers are byte offsets into the imported memory (the tfjs wasm heap, or a scratch memory);
;; outputs may alias their inputs. The memory import line is rewritten per variant (shared or not)
;; by scripts/build-wasm-kernels.js.
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $p i32) (param $m i32) (param $v i32) (param $g i32)
    (param $pOut i32) (param $mOut i32) (param $vOut i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $ob1 f32) (param $ob2 f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $nlr f32)
    (local $i i32) (local $end i32)
    (local $gi v128) (local $nm v128) (local $nv v128)
    (local $B1 v128) (local $B2 v128) (local $OB1 v128) (local $OB2 v128)
    (local $C1 v128) (local $C2 v128) (local $EPS v128) (local $NLR v128)
    (local $sg f32) (local $sm f32) (local $sv f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $OB1 (f32x4.splat (local.get $ob1)))
    (local.set $OB2 (f32x4.splat (local.get $ob2)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $NLR (f32x4.splat (local.get $nlr)))
    ;; Whole vectors first: byte offsets below 16 * floor(n / 4).
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gi (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $nm (f32x4.add
          (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $i))) (local.get $B1))
          (f32x4.mul (local.get $gi) (local.get $OB1))))
        (local.set $nv (f32x4.add
          (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $i))) (local.get $B2))
          (f32x4.mul (f32x4.mul (local.get $gi) (local.get $gi)) (local.get $OB2))))
        (v128.store align=4 (i32.add (local.get $pOut) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $nm) (local.get $C1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $nv) (local.get $C2))) (local.get $EPS)))
              (local.get $NLR))
            (v128.load align=4 (i32.add (local.get $p) (local.get $i)))))
        (v128.store align=4 (i32.add (local.get $mOut) (local.get $i)) (local.get $nm))
        (v128.store align=4 (i32.add (local.get $vOut) (local.get $i)) (local.get $nv))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vector)))
    ;; The last n mod 4 elements, one at a time.
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone
      (loop $scalar
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $sg (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $sm (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
          (f32.mul (local.get $sg) (local.get $ob1))))
        (local.set $sv (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
          (f32.mul (f32.mul (local.get $sg) (local.get $sg)) (local.get $ob2))))
        (f32.store (i32.add (local.get $pOut) (local.get $i))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $sm) (local.get $c1))
                (f32.add (f32.sqrt (f32.div (local.get $sv) (local.get $c2))) (local.get $eps)))
              (local.get $nlr))
            (f32.load (i32.add (local.get $p) (local.get $i)))))
        (f32.store (i32.add (local.get $mOut) (local.get $i)) (local.get $sm))
        (f32.store (i32.add (local.get $vOut) (local.get $i)) (local.get $sv))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $scalar)))))
