-- Apprentice registrations, each with a new email; the form body comes in wrk.body with
-- EMAIL where the address goes. Shares wrk_report.lua's summary.
local counter = 0
local template = nil
setup = function(thread)
  thread:set("id", os.time() .. "." .. math.random(1, 1e9))
end
request = function()
  template = template or wrk.body
  counter = counter + 1
  local body = string.gsub(template, "EMAIL", "bench." .. id .. "." .. counter .. "%%40students.example.org")
  return wrk.format("POST", nil, nil, body)
end
response = function(status, headers, body)
  if status ~= 302 then
    io.stderr:write("registration answered " .. status .. "\n")
  end
end
