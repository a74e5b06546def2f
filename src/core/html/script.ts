/**
 * The page's only script: sortable tables. It turns each header of a `table.sortable`
 * into a button (so without script the headers are plain text, and with it they are
 * reachable and operable by keyboard), sorts the body rows by the cell's `data-v`
 * number or its text, and says the order in `aria-sort`. It builds nodes, never markup.
 */
export const SCRIPT = `
(function(){
document.documentElement.className+=' js';
var tables=document.querySelectorAll('table.sortable');
for(var t=0;t<tables.length;t++)(function(table){
var head=table.tHead.rows[0].cells,body=table.tBodies[0];
for(var i=0;i<body.rows.length;i++)body.rows[i].setAttribute('data-i',i);
for(var c=0;c<head.length;c++)(function(th,col){
var b=document.createElement('button');b.type='button';
while(th.firstChild)b.appendChild(th.firstChild);
th.appendChild(b);
b.addEventListener('click',function(){
var num=th.classList.contains('n'),cur=th.getAttribute('aria-sort');
var dir=cur?(cur==='ascending'?-1:1):(num?-1:1);
var key=function(r){var x=r.cells[col];return num?Number(x.getAttribute('data-v')):x.textContent;};
var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=key(a),y=key(b);var d=num?(x===y?0:x<y?-1:1):String(x).localeCompare(String(y));return d*dir||a.getAttribute('data-i')-b.getAttribute('data-i');});
for(var h=0;h<head.length;h++)head[h].removeAttribute('aria-sort');
th.setAttribute('aria-sort',dir>0?'ascending':'descending');
for(var r=0;r<rows.length;r++)body.appendChild(rows[r]);
});
})(head[c],c);
})(tables[t]);
})();
`.trim();
