target "quality" {
method = "POST"
url = "${var.backend}/api/ai-quality"
headers = {
"Content-Type" = "application/json"
    "Authorization"="Bearer ${env("API_TOKEN")}"
}
body = jsonencode({image=local.image, n=[1,2,3]})
tls {
ca_file = "cert.pem"   # trust a self-signed certificate
  insecure_skip_verify = false # explicit opt-out only
}
  expect {
      status = [200]
  }
extract "inference_ms" { json = "inference_time_ms" }
}
