require "marcel"

# marcel 0.3 asks mimemagic, which reads shared-mime-info's database.
puts Marcel::MimeType.for(name: "report.pdf")
