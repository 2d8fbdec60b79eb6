-- Reports every line of every paragraph: whether it ends in a hyphen and
-- how wide its word spaces are against their natural width.
local GLUE, HLIST, GLYPH = node.id("glue"), node.id("hlist"), node.id("glyph")
local out = io.open(os.getenv("TEXLINES") or "lines.txt", "a")
local function report(head)
  local lines = {}
  for line in node.traverse_id(HLIST, head) do lines[#lines + 1] = line end
  for i, line in ipairs(lines) do
    local hyphen, last = false, nil
    -- A line ends in a hyphen when its last glyph is "-" (a discretionary's
    -- pre-break, or a hyphen of the text).
    for n in node.traverse(line.head) do
      if n.id == GLYPH then last = n end
    end
    if last and last.char == 45 and i < #lines then hyphen = true end
    local space = nil
    for n in node.traverse_id(GLUE, line.head) do
      if n.subtype == 13 or n.subtype == 0 then -- space and user skips, not left/right skips
        if n.width > 0 then
          local w = n.width
          if line.glue_sign == 1 and n.stretch_order == line.glue_order then
            w = w + line.glue_set * n.stretch
          elseif line.glue_sign == 2 and n.shrink_order == line.glue_order then
            w = w - line.glue_set * n.shrink
          end
          space = space or (w / n.width)
        end
      end
    end
    local last_line = (i == #lines)
    out:write(string.format("%d %s %.3f\n", hyphen and 1 or 0, last_line and "last" or "line", space or 1))
  end
  out:flush()
  return head
end
luatexbase.add_to_callback("post_linebreak_filter", report, "crpv-bench")
