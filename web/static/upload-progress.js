// Shows the transfer's progress, then that the server is checking the file.
(function () {
  var form = document.getElementById("data-upload-form");
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var phase = document.getElementById("upload-phase");
  form.addEventListener("htmx:beforeRequest", function () { box.hidden = false; bar.value = 0; phase.textContent = "送信中 0%"; });
  form.addEventListener("htmx:xhr:progress", function (e) {
    if (!e.detail.lengthComputable) { return; }
    var percent = Math.floor(e.detail.loaded * 100 / e.detail.total);
    bar.value = percent;
    phase.textContent = percent < 100 ? "送信中 " + percent + "%" : "送信完了。全行を検査して反映しています…";
  });
  form.addEventListener("htmx:afterRequest", function () { box.hidden = true; });
})();
