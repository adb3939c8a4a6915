locals {
   image = jpeg(352,352)



   note = <<-EOT
      keep   this   spacing


        and this
   EOT
  raw = <<EOT
  x  =  1
EOT
}



assert "x" {
  condition = latency.p95 < 500
}   


