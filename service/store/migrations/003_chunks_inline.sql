-- A chunk row (its text and a 384-d float4[] of 1.5 kB) passes the default 2 kB TOAST threshold,
-- so every insert tried to compress the row, mostly in vain on floats: a fifth of PGlite's insert
-- time (bench/search.ts). Rows up to a page now stay inline and uncompressed; larger ones (long
-- embeddings) are still compressed or moved out of line as before. No rewrite: existing rows
-- keep their form, new ones take the new.
ALTER TABLE chunks SET (toast_tuple_target = 8160);
