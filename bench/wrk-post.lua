-- wrk-post.lua - POST a webhook-like JSON body with a distinct
-- Idempotency-Key per request (per wrk thread), for measuring mockgw's own capacity:
--   wrk -t1 -c64 -d5s -s bench/wrk-post.lua http://127.0.0.1:PORT/send
local n = 0
local body = '{"id":1,"key":"hg-1-1-sms","to":"13812345678",' ..
    '"text":"【沽源县人民法院】王某：您申请执行的(2024)冀0724执1234号案件，' ..
    '本院已冻结被执行人存款123456.78元。","case_no":"(2024)冀0724执1234号",' ..
    '"step":"ENF_DEPOSIT_FROZEN","channel":"sms"}'

function request()
    n = n + 1
    return wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["Idempotency-Key"] = "wrk-" .. n,
    }, body)
end
