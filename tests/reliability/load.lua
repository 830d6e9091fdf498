-- wrk script for raciflow-load: a mix of inbox reads and task completions.
-- Arguments (after --): IDS_FILE COMPLETER_TOKEN READER_TOKEN. Environment:
-- RACIFLOW_LOAD_THREADS (wrk's -t) and RACIFLOW_LOAD_OUT (where the acknowledged ids go).
-- Each wrk thread completes its own share of the task ids in IDS_FILE (every id once),
-- and reads an inbox between completions. Responses are told apart by their body: a
-- completion answers with the task ({"id":..,"status":"completed"}), an inbox with a list.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  ids_file, completer, reader = args[1], args[2], args[3]
  local threads_count = tonumber(os.getenv("RACIFLOW_LOAD_THREADS"))
  local mine = {}
  local n = 0
  for line in io.lines(ids_file) do
    if n % threads_count == index then table.insert(mine, line) end
    n = n + 1
  end
  ids = mine
  next_id = 1
  acked = {}
  sent = 0
  status_2xx, status_4xx, status_409, status_5xx = 0, 0, 0, 0
  complete_body = '{"variables":{"needsCommittee":false,"severity":"high"}}'
end

function request()
  sent = sent + 1
  if sent % 2 == 0 and next_id <= #ids then
    local id = ids[next_id]
    next_id = next_id + 1
    return wrk.format("POST", "/api/tasks/" .. id .. "/complete",
      { ["Authorization"] = "Bearer " .. completer, ["Content-Type"] = "application/json" }, complete_body)
  end
  return wrk.format("GET", "/api/tasks", { ["Authorization"] = "Bearer " .. reader })
end

function response(status, headers, body)
  if status >= 500 then
    status_5xx = status_5xx + 1
  elseif status >= 400 then
    status_4xx = status_4xx + 1
    -- Another node completed the task first (several nodes race for the same tasks).
    if status == 409 then status_409 = status_409 + 1 end
  else
    status_2xx = status_2xx + 1
    if body:sub(1, 1) == "{" and body:find('"status":"completed"', 1, true) then
      local id = body:match('"id":(%d+)')
      if id then table.insert(acked, id) end
    end
  end
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("RACIFLOW_LOAD_OUT"), "w")
  local c2, c4, c409, c5, completed = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c2 = c2 + t:get("status_2xx")
    c4 = c4 + t:get("status_4xx")
    c409 = c409 + t:get("status_409")
    c5 = c5 + t:get("status_5xx")
    for _, id in ipairs(t:get("acked")) do
      out:write(id, "\n")
      completed = completed + 1
    end
  end
  out:close()
  io.write(string.format("raciflow-load: 2xx %d, 4xx %d, 409 %d, 5xx %d, acknowledged completions %d\n", c2, c4, c409, c5, completed))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("raciflow-load: latency p%s %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
